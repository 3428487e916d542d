package main

import (
	"log/slog"

	"salesbot/chart"
	"salesbot/handlers"
)

// loadCharts loads the CJK font the forecast's charts are drawn with
// (SALESBOT_FONT, or the first of chart.FontCandidates installed). Without
// one the bot runs on and posts forecasts without pictures, and says so at
// start with what to install: Chinese must never show as boxes.
func loadCharts(font string, log *slog.Logger) handlers.Charts {
	path, err := chart.FindFont(font)
	if err == nil {
		var r *chart.Renderer
		if r, err = chart.LoadFont(path); err == nil {
			log.Info("charts drawn with font", "font", r.FontName(), "path", path)
			return r
		}
	}
	log.Warn("forecasts are posted without charts", "err", err)
	return nil
}
