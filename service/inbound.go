package service

// InboundStore keeps the inbound queue: inquiries waiting for a manager to
// assign them (/lead inbound).
type InboundStore interface{}
