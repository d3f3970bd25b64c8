import { ColorType, type DeepPartial, type TimeChartOptions } from "lightweight-charts";

/** The console's chart look: sized by its host element (CSS decides the height), UTC time axis. */
export function chartOptions(opts: { secondsVisible?: boolean } = {}): DeepPartial<TimeChartOptions> {
  return {
    autoSize: true,
    // The browser's own tag may be one Intl refuses (e.g. `en-US@posix` from a POSIX locale).
    localization: { locale: "en-US" },
    layout: { background: { type: ColorType.Solid, color: "#ffffff" }, textColor: "#1f2937", fontSize: 12 },
    grid: { vertLines: { color: "#f1f5f9" }, horzLines: { color: "#f1f5f9" } },
    timeScale: { timeVisible: true, secondsVisible: opts.secondsVisible ?? false },
    rightPriceScale: { borderColor: "#e2e8f0" },
  };
}
