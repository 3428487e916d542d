package i18n

// zhWorkspaces is the Chinese of what a workspace the bot is not installed
// in (or was removed from) is told.
var zhWorkspaces = map[string]string{
	":no_entry: salesbot is not installed in this workspace, or was removed from it, so it does not answer requests from it. A Slack admin can install it from %s":     ":no_entry: salesbot 没有安装在这个工作区（或已被移除），所以不回应来自这里的请求。Slack 管理员可以从 %s 安装。",
	":no_entry: salesbot is not installed in this workspace, or was removed from it, so it does not answer requests from it. Ask your Slack admin to install it here.": ":no_entry: salesbot 没有安装在这个工作区（或已被移除），所以不回应来自这里的请求。请联系 Slack 管理员在此安装。",
	":hourglass: salesbot can't check its installation in this workspace right now. Please try again in a moment.":                                                     ":hourglass: salesbot 暂时无法确认它在这个工作区的安装，请稍后再试。",
}

// The catalog is joined in zh.go; these are added to it here.
func init() {
	for en, s := range zhWorkspaces {
		zh[en] = s
	}
}
