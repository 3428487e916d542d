package salesbot

import "testing"

func TestParseSourceTakesTheDomainWords(t *testing.T) {
	for in, want := range map[string]Source{
		"inbound": SourceInbound, "来电": SourceInbound, "上门": SourceInbound, "Referral": SourceReferral, "介绍": SourceReferral,
		"event": SourceEvent, "展会": SourceEvent, "活动": SourceEvent, "phone": SourcePhone, "电话": SourcePhone,
		"web": SourceWeb, "网络": SourceWeb, "press": SourcePress, "广告": SourcePress, "canvass": SourceCanvass,
		"扫街": SourceCanvass, "association": SourceAssociation, "协会": SourceAssociation, "relationship": SourceRelationship,
		"关系": SourceRelationship, "upgrade": SourceUpgrade, "增购": SourceUpgrade, "other": SourceOther, "其他": SourceOther,
		"ＷＥＢ": SourceWeb, " trade show ": SourceEvent,
	} {
		got, err := ParseSource(in)
		if err != nil || got != want {
			t.Errorf("ParseSource(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "linkedin", "<@U1>", "来"} {
		if got, err := ParseSource(bad); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("ParseSource(%q) = %q, %v; want an EINVALID error", bad, got, err)
		}
	}
}

func TestEverySourceIsValidAndLabelled(t *testing.T) {
	for _, s := range Sources {
		if !s.Valid() || s.Label() == "Unknown" {
			t.Errorf("%q: Valid %v, Label %q", s, s.Valid(), s.Label())
		}
	}
	if Source("x").Valid() || !SourceInbound.Passive() || !SourceReferral.Passive() || SourceWeb.Passive() {
		t.Error("Valid or Passive is wrong")
	}
}
