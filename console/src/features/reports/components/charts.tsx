/**
 * Plain SVG charts. They are pictures for sighted readers (`role="img"` with a name); the numbers
 * are in the table each chart sits beside, which is what screen readers and the tests read.
 */
import type { ReactNode } from 'react';

export interface Series {
  key: string;
  label: string;
  /** A CSS class giving the colour (`.series-*` in reports.css). */
  tone: string;
}

/** The series' colours and names. */
export function Legend({ series }: { series: Series[] }) {
  return (
    <ul className="legend" aria-hidden="true">
      {series.map((s) => (
        <li key={s.key}>
          <span className={`swatch ${s.tone}`} /> {s.label}
        </li>
      ))}
    </ul>
  );
}

/**
 * Horizontal bars, one row per item, each row one bar per series (scaled to the largest value of
 * the chart). Labels are HTML (they wrap and stay legible at 390 px); `label` may be a link.
 */
export function BarRows({
  name,
  series,
  rows,
}: {
  name: string;
  series: Series[];
  rows: { key: string; label: ReactNode; values: Record<string, number>; text: string }[];
}) {
  const max = Math.max(1, ...rows.flatMap((r) => series.map((s) => r.values[s.key] ?? 0)));
  const barHeight = 12;
  return (
    <div className="bar-rows">
      <Legend series={series} />
      {rows.map((row) => (
        <div key={row.key} className="bar-row">
          <div className="bar-label">{row.label}</div>
          <svg
            className="bar-svg"
            role="img"
            aria-label={`${name}, ${row.text}`}
            viewBox={`0 0 100 ${series.length * (barHeight + 3)}`}
            preserveAspectRatio="none"
            height={series.length * (barHeight + 3)}
          >
            {series.map((s, i) => (
              <rect
                key={s.key}
                className={s.tone}
                x={0}
                y={i * (barHeight + 3)}
                height={barHeight}
                width={Math.max(0, ((row.values[s.key] ?? 0) / max) * 100)}
              />
            ))}
          </svg>
        </div>
      ))}
    </div>
  );
}

/**
 * Grouped columns, one group per period; wider than the screen, it scrolls inside its own box
 * (reachable with the keyboard), never the page.
 */
export function Columns({
  name,
  series,
  groups,
}: {
  name: string;
  series: Series[];
  groups: { key: string; label: string; values: Record<string, number> }[];
}) {
  const max = Math.max(1, ...groups.flatMap((g) => series.map((s) => g.values[s.key] ?? 0)));
  const bar = 9;
  const gap = 14;
  const groupWidth = series.length * bar + gap;
  const plot = 160;
  const width = Math.max(groups.length * groupWidth + gap, 120);
  const height = plot + 34;
  return (
    <div className="columns-chart">
      <Legend series={series} />
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable with the keyboard */}
      <div className="chart-scroll" tabIndex={0}>
        <svg role="img" aria-label={name} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
          <line className="axis" x1={0} x2={width} y1={plot + 0.5} y2={plot + 0.5} />
          {groups.map((g, gi) => {
            const x0 = gap / 2 + gi * groupWidth;
            return (
              <g key={g.key}>
                {series.map((s, si) => {
                  const h = ((g.values[s.key] ?? 0) / max) * (plot - 8);
                  return (
                    <rect
                      key={s.key}
                      className={s.tone}
                      x={x0 + si * bar}
                      y={plot - h}
                      width={bar - 1}
                      height={h}
                    />
                  );
                })}
                <text className="tick" x={x0 + (series.length * bar) / 2} y={plot + 14} textAnchor="middle">
                  {g.label.split(' ')[0]}
                </text>
                <text
                  className="tick tick-year"
                  x={x0 + (series.length * bar) / 2}
                  y={plot + 27}
                  textAnchor="middle"
                >
                  {g.label.split(' ')[1] ?? ''}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </div>
  );
}
