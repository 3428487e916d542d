// Package deploy holds the deployment files (Dockerfile checks, compose, Slack manifest) and their tests.
package deploy
