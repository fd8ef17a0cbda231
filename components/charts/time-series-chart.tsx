"use client";
/**
 * The one Recharts wrapper: a time x-axis, lines, range bands, dots, shaded x ranges and a threshold
 * line; with `onSelectRange`, dragging across the plot selects an x range (drag-to-zoom, marking a
 * missed span); with `xAxis`, the x axis is a plain number (a threshold) instead of time.
 */
import { useState, type ReactNode } from "react";
import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  kind: "line" | "band" | "dots" | "bars";
  dashed?: boolean;
  /** Bars with the same stack id are stacked. */
  stack?: string;
}

export interface TimeSeriesChartProps<Row extends { t: number }> {
  rows: Row[];
  series: ChartSeries[];
  height?: number;
  yDomain?: [number, number];
  yLabel?: string;
  areas?: { x1: number; x2: number; color?: string; opacity?: number }[];
  threshold?: { y: number; label: string };
  ariaLabel: string;
  syncId?: string;
  /** The x range to show; the data's own extent when absent. */
  xDomain?: [number, number];
  /** Called with the range dragged across the plot, lower end first. */
  onSelectRange?: (a: number, b: number) => void;
  /** A numeric (not time) x axis, e.g. a threshold: its tick format and its name. */
  xAxis?: { format: (x: number) => string; label: string };
}

const SHORT = new Intl.DateTimeFormat("en-GB", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
export const formatTick = (t: number) => SHORT.format(new Date(t));
const formatValue = (v: unknown): string => (Array.isArray(v) ? v.map(formatValue).join(" – ") : typeof v === "number" ? Number(v.toPrecision(4)).toString() : String(v));

const labelTime = (label: unknown): number | null => (label === undefined || label === null || label === "" ? null : Number(label));

export function TimeSeriesChart<Row extends { t: number }>({ rows, series, height = 280, yDomain, yLabel, areas = [], threshold, ariaLabel, syncId, xDomain, onSelectRange, xAxis }: TimeSeriesChartProps<Row>) {
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const selecting = onSelectRange
    ? {
        onMouseDown: (e: { activeLabel?: unknown }) => {
          const t = labelTime(e.activeLabel);
          if (t !== null) setDrag({ a: t, b: t });
        },
        onMouseMove: (e: { activeLabel?: unknown }) => {
          const t = labelTime(e.activeLabel);
          if (drag && t !== null) setDrag({ ...drag, b: t });
        },
        onMouseUp: () => {
          if (drag && drag.a !== drag.b) onSelectRange(Math.min(drag.a, drag.b), Math.max(drag.a, drag.b));
          setDrag(null);
        },
        onMouseLeave: () => setDrag(null),
      }
    : {};
  const children: ReactNode[] = series.map((s) => {
    if (s.kind === "band")
      return <Area key={s.key} type="linear" dataKey={s.key} name={s.name} stroke="none" fill={s.color} fillOpacity={0.18} isAnimationActive={false} connectNulls={false} activeDot={false} />;
    if (s.kind === "bars") return <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} stackId={s.stack} maxBarSize={24} isAnimationActive={false} />;
    if (s.kind === "dots") {
      // A line drawn only as dots, over the chart's own rows: a Scatter with its own data made the
      // tooltip and the drag read the Scatter's rows by index (the first point's time, whatever the
      // mouse was over), so a drag across the chart selected nothing.
      return (
        <Line
          key={s.key}
          type="linear"
          dataKey={s.key}
          name={s.name}
          // The legend and tooltip take their colour from the stroke; the line itself stays invisible.
          stroke={s.color}
          strokeOpacity={0}
          strokeWidth={0}
          legendType="circle"
          dot={(p: { cx?: number; cy?: number; value?: unknown; index?: number }) =>
            p.value == null || p.cx == null || p.cy == null ? <g key={p.index} /> : <circle key={p.index} className="chart-dot" cx={p.cx} cy={p.cy} r={4} fill={s.color} />
          }
          activeDot={false}
          isAnimationActive={false}
          connectNulls={false}
        />
      );
    }
    return (
      <Line key={s.key} type="linear" dataKey={s.key} name={s.name} stroke={s.color} strokeWidth={s.dashed ? 1.25 : 1.5} strokeDasharray={s.dashed ? "4 3" : undefined} dot={false} isAnimationActive={false} connectNulls={false} />
    );
  });
  return (
    <div className={onSelectRange ? "chart chart-selecting" : "chart"} role="img" aria-label={ariaLabel}>
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }} syncId={syncId} {...selecting} style={onSelectRange ? { cursor: "crosshair", userSelect: "none" } : undefined}>
          <CartesianGrid stroke="#e5e7eb" vertical={false} />
          {xAxis ? (
            <XAxis dataKey="t" type="number" domain={xDomain ?? ["dataMin", "dataMax"]} allowDataOverflow={!!xDomain} tickFormatter={xAxis.format} minTickGap={32} fontSize={12} label={{ value: xAxis.label, position: "insideBottomRight", offset: -2, fontSize: 12 }} />
          ) : (
            <XAxis dataKey="t" type="number" scale="time" domain={xDomain ?? ["dataMin", "dataMax"]} allowDataOverflow={!!xDomain} tickFormatter={formatTick} minTickGap={48} fontSize={12} />
          )}
          <YAxis domain={yDomain ?? ["auto", "auto"]} tickFormatter={(v: number) => formatValue(v)} width={56} fontSize={12} label={yLabel ? { value: yLabel, angle: -90, position: "insideLeft", fontSize: 12 } : undefined} />
          <Tooltip labelFormatter={(t) => (xAxis ? `${xAxis.label} ${xAxis.format(Number(t))}` : formatTick(Number(t)))} formatter={(v) => formatValue(v)} isAnimationActive={false} />
          {/* In the order the series are given (Recharts sorts by name by default: "critical, high, low, medium"). */}
          <Legend verticalAlign="top" height={28} iconSize={10} itemSorter={null} />
          {areas.map((a, i) => (
            <ReferenceArea key={i} x1={a.x1} x2={a.x2} fill={a.color ?? "#d64545"} fillOpacity={a.opacity ?? 0.14} stroke="none" ifOverflow="hidden" />
          ))}
          {children}
          {drag && drag.a !== drag.b && <ReferenceArea x1={Math.min(drag.a, drag.b)} x2={Math.max(drag.a, drag.b)} fill="#2f5fd0" fillOpacity={0.15} stroke="#2f5fd0" strokeOpacity={0.5} />}
          {threshold && <ReferenceLine y={threshold.y} stroke="#d64545" strokeDasharray="6 4" label={{ value: threshold.label, position: "insideTopRight", fontSize: 12, fill: "#d64545" }} />}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
