package i18n

// zhProfile is the Chinese of lead sources, the company profile and the
// message shortcuts (Log as visit, Register as lead).
var zhProfile = map[string]string{
	"%q is not a lead source. Use one of: inbound (来电), referral (介绍), event (展会), phone (电话), web (网络), press (广告), canvass (扫街), association (协会), relationship (关系), upgrade (增购) or other (其他).": "%q 不是线索来源。请用：inbound（来电）、referral（介绍）、event（展会）、phone（电话）、web（网络）、press（广告）、canvass（扫街）、association（协会）、relationship（关系）、upgrade（增购）或 other（其他）。",
}
