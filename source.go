package salesbot

import "strings"

// Source is how a lead came to the team (信息收集方式, DOMAIN.md §8):
// hunted actively, or come in passively and assigned by a manager.
type Source string

// The lead sources, in the order forms and reports list them.
const (
	SourceInbound      Source = "inbound"      // 来电/上门: called or walked in
	SourceReferral     Source = "referral"     // 介绍: referred by a customer or a friend
	SourceEvent        Source = "event"        // 活动/展会: an event or a trade show
	SourcePhone        Source = "phone"        // 电话: a phone campaign
	SourceWeb          Source = "web"          // 网络: the internet
	SourcePress        Source = "press"        // 广告: trade press and ads
	SourceCanvass      Source = "canvass"      // 扫街: street canvassing
	SourceAssociation  Source = "association"  // 协会: an industry association
	SourceRelationship Source = "relationship" // 关系: a relationship
	SourceUpgrade      Source = "upgrade"      // 增购: an existing customer buying more
	SourceOther        Source = "other"        // 其他
)

// Sources lists the lead sources, passive ones first.
var Sources = []Source{
	SourceInbound, SourceReferral, SourceEvent, SourcePhone, SourceWeb, SourcePress,
	SourceCanvass, SourceAssociation, SourceRelationship, SourceUpgrade, SourceOther,
}

var sourceAliases = map[string]Source{
	"来电": SourceInbound, "上门": SourceInbound, "来电/上门": SourceInbound, "call-in": SourceInbound, "callin": SourceInbound, "walk-in": SourceInbound, "inquiry": SourceInbound,
	"介绍": SourceReferral, "转介绍": SourceReferral, "旧客户介绍": SourceReferral, "亲朋好友介绍": SourceReferral, "referred": SourceReferral,
	"活动": SourceEvent, "展会": SourceEvent, "活动/展会": SourceEvent, "trade-show": SourceEvent, "tradeshow": SourceEvent, "show": SourceEvent,
	"电话": SourcePhone, "电话行销": SourcePhone, "telemarketing": SourcePhone, "cold-call": SourcePhone,
	"网络": SourceWeb, "互联网": SourceWeb, "internet": SourceWeb, "online": SourceWeb, "website": SourceWeb,
	"广告": SourcePress, "报刊": SourcePress, "ads": SourcePress, "ad": SourcePress,
	"扫街": SourceCanvass, "陌拜": SourceCanvass, "canvassing": SourceCanvass,
	"协会": SourceAssociation, "行业协会": SourceAssociation,
	"关系": SourceRelationship, "人脉": SourceRelationship,
	"增购": SourceUpgrade, "升级": SourceUpgrade, "增购升级": SourceUpgrade, "旧客户增购升级": SourceUpgrade, "upsell": SourceUpgrade,
	"其他": SourceOther, "其它": SourceOther,
}

// ParseSource reads a lead source by its English or Chinese word
// (DOMAIN.md §8), ignoring case and width.
func ParseSource(s string) (Source, error) {
	key := strings.ToLower(foldWidth(strings.TrimSpace(s)))
	for _, src := range Sources {
		if string(src) == key {
			return src, nil
		}
	}
	if src, ok := sourceAliases[strings.ReplaceAll(key, " ", "-")]; ok {
		return src, nil
	}
	return "", Errorf(EINVALID, "%q is not a lead source. Use one of: inbound (来电), referral (介绍), event (展会), phone (电话), web (网络), press (广告), canvass (扫街), association (协会), relationship (关系), upgrade (增购) or other (其他).", s)
}

// Valid reports whether s is one of Sources.
func (s Source) Valid() bool {
	for _, src := range Sources {
		if s == src {
			return true
		}
	}
	return false
}

// Passive reports whether leads of this source came in on their own
// (an inquiry, a referral): a manager assigns them, and they deserve the
// fastest follow-up (seed 004).
func (s Source) Passive() bool { return s == SourceInbound || s == SourceReferral }

// Label is the source as a report or a card names it.
func (s Source) Label() string {
	switch s {
	case SourceInbound:
		return "Inbound"
	case SourceReferral:
		return "Referral"
	case SourceEvent:
		return "Event"
	case SourcePhone:
		return "Phone"
	case SourceWeb:
		return "Web"
	case SourcePress:
		return "Press and ads"
	case SourceCanvass:
		return "Canvassing"
	case SourceAssociation:
		return "Association"
	case SourceRelationship:
		return "Relationship"
	case SourceUpgrade:
		return "Upgrade"
	case SourceOther:
		return "Other"
	}
	return "Unknown"
}
