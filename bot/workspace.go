package bot

import (
	"context"

	"salesbot/internal/logctx"
)

// inWorkspace returns ctx for the work of a request Slack sent from a
// workspace (team, and its Enterprise Grid organization when it has one):
// every Web API call that work makes uses that workspace's token. Slack
// vouches for both: they come in the signed body, or over the app's own
// Socket Mode connection.
func inWorkspace(ctx context.Context, team, enterprise string) context.Context {
	return logctx.WithWorkspace(ctx, logctx.Workspace{Team: team, Enterprise: enterprise})
}
