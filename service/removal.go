package service

// RemovalStore removes data: a lead registered by mistake (/lead delete)
// and one person's record (/stance remove).
type RemovalStore interface{}
