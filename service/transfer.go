package service

// TransferStore is what importing and exporting a team's leads reads and
// writes (/salesbot import, /salesbot export).
type TransferStore interface{}
