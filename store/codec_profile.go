package store

import "salesbot"

// storedProfile is a salesbot.Profile as stored, with one-letter names.
type storedProfile struct {
	Industry  string `json:"i,omitempty"`
	Headcount string `json:"h,omitempty"`
	Revenue   string `json:"r,omitempty"`
	Region    string `json:"g,omitempty"`
	Address   string `json:"a,omitempty"`
	Website   string `json:"w,omitempty"`
}

// encodeProfile stores the lead's source and profile (no profile field
// when it is empty).
func encodeProfile(s *storedLead, l *salesbot.Lead) {
	s.Source = l.Source
	s.Removals = l.Removals
	if p := l.Profile; p != (salesbot.Profile{}) {
		s.Profile = &storedProfile{Industry: p.Industry, Headcount: p.Headcount, Revenue: p.Revenue,
			Region: p.Region, Address: p.Address, Website: p.Website}
	}
}

// decodeProfile reads back what encodeProfile stored.
func decodeProfile(l *salesbot.Lead, s *storedLead) {
	l.Source = s.Source
	l.Removals = s.Removals
	if p := s.Profile; p != nil {
		l.Profile = salesbot.Profile{Industry: p.Industry, Headcount: p.Headcount, Revenue: p.Revenue,
			Region: p.Region, Address: p.Address, Website: p.Website}
	}
}
