package install

// BotScopes returns the bot scopes the install link asks for: those of
// deploy/slack-manifest.yaml's oauth_config.scopes.bot, in its order (a
// test keeps the two equal).
func BotScopes() []string {
	return []string{"commands", "chat:write", "im:write", "users:read", "files:write", "files:read", "users:read.email"}
}
