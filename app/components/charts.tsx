import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar, LinePath } from "@visx/shape";
import { useId } from "react";

/**
 * Charts drawn by visx as plain SVG, rendered on the server with the page. Each is an image with a
 * title and a one-sentence summary, and carries the table of its figures for screen readers.
 * The SVG scales to its container through its viewBox, from 360 px phones to wide screens.
 */
export type ChartPoint = {
  label: string;
  value: number | null;
  display: string;
};

type ChartProps = {
  title: string;
  summary: string;
  points: readonly ChartPoint[];
  valueHeader: string;
  /** Formats the vertical axis' ticks. */
  tick: (value: number) => string;
  /** Show one label every n points on the horizontal axis. */
  labelEvery?: number;
  testId?: string;
};

const WIDTH = 720;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 12, bottom: 32, left: 64 };
const INK = "#52525b";
const ACCENT = "#1d4ed8";

function Frame({
  title,
  summary,
  points,
  valueHeader,
  testId,
  children,
}: ChartProps & {
  children: (ids: { title: string; desc: string }) => React.ReactNode;
}) {
  const id = useId();
  const ids = { title: `${id}-title`, desc: `${id}-desc` };
  return (
    <figure className="chart" data-testid={testId}>
      {children(ids)}
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Période</th>
            <th scope="col">{valueHeader}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.label}>
              <th scope="row">{p.label}</th>
              <td>{p.display}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}

function axes(points: readonly ChartPoint[], labelEvery: number) {
  const max = Math.max(1, ...points.map((p) => p.value ?? 0));
  const x = scaleBand<string>({
    domain: points.map((p) => p.label),
    range: [0, WIDTH - MARGIN.left - MARGIN.right],
    padding: 0.2,
  });
  const y = scaleLinear<number>({
    domain: [0, max],
    range: [HEIGHT - MARGIN.top - MARGIN.bottom, 0],
    nice: true,
  });
  const shown = points.filter((_, i) => (points.length - 1 - i) % labelEvery === 0).map((p) => p.label);
  return { x, y, shown };
}

function Axes({ x, y, shown, tick }: ReturnType<typeof axes> & { tick: (v: number) => string }) {
  const labelProps = {
    fill: INK,
    fontSize: 11,
    fontFamily: "system-ui, sans-serif",
  };
  return (
    <>
      <AxisLeft scale={y} numTicks={4} tickFormat={(v) => tick(Number(v))} stroke={INK} tickStroke={INK} tickLabelProps={{ ...labelProps, textAnchor: "end", dx: -4, dy: 4 }} />
      <AxisBottom top={y.range()[0]} scale={x} tickValues={shown} stroke={INK} tickStroke={INK} tickLabelProps={{ ...labelProps, textAnchor: "middle" }} />
    </>
  );
}

export function BarChart(props: ChartProps) {
  const { x, y, shown } = axes(props.points, props.labelEvery ?? 1);
  return (
    <Frame {...props}>
      {(ids) => (
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-labelledby={`${ids.title} ${ids.desc}`}>
          <title id={ids.title}>{props.title}</title>
          <desc id={ids.desc}>{props.summary}</desc>
          <Group left={MARGIN.left} top={MARGIN.top}>
            {props.points.map((p) => {
              const top = y(p.value ?? 0);
              return <Bar key={p.label} x={x(p.label)} y={top} width={x.bandwidth()} height={Math.max(0, y.range()[0]! - top)} fill={ACCENT} />;
            })}
            <Axes x={x} y={y} shown={shown} tick={props.tick} />
          </Group>
        </svg>
      )}
    </Frame>
  );
}

export function LineChart(props: ChartProps) {
  const { x, y, shown } = axes(props.points, props.labelEvery ?? 1);
  const centre = (label: string) => (x(label) ?? 0) + x.bandwidth() / 2;
  return (
    <Frame {...props}>
      {(ids) => (
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-labelledby={`${ids.title} ${ids.desc}`}>
          <title id={ids.title}>{props.title}</title>
          <desc id={ids.desc}>{props.summary}</desc>
          <Group left={MARGIN.left} top={MARGIN.top}>
            {/* A month with nothing invoiced has no DSO: the line breaks there instead of dropping to zero. */}
            <LinePath data={[...props.points]} x={(p) => centre(p.label)} y={(p) => y(p.value ?? 0)} defined={(p) => p.value !== null} stroke={ACCENT} strokeWidth={2.5} />
            {props.points.map((p) => (p.value === null ? null : <circle key={p.label} cx={centre(p.label)} cy={y(p.value)} r={3.5} fill={ACCENT} />))}
            <Axes x={x} y={y} shown={shown} tick={props.tick} />
          </Group>
        </svg>
      )}
    </Frame>
  );
}

/** A funnel: one horizontal bar per stage, its length the share of the first stage. */
export function FunnelChart({ title, summary, stages, testId }: { title: string; summary: string; stages: readonly { label: string; value: number }[]; testId?: string }) {
  const id = useId();
  const rowHeight = 34;
  const labelWidth = 150;
  const height = stages.length * rowHeight + 8;
  const x = scaleLinear<number>({
    domain: [0, Math.max(1, stages[0]?.value ?? 1)],
    range: [0, WIDTH - labelWidth - 80],
  });
  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {stages.map((stage, i) => (
          <Group key={stage.label} top={i * rowHeight + 4}>
            <text x={labelWidth - 8} y={rowHeight / 2} textAnchor="end" fontSize={13} fill={INK} fontFamily="system-ui, sans-serif">
              {stage.label}
            </text>
            <Bar x={labelWidth} y={4} width={Math.max(2, x(stage.value))} height={rowHeight - 10} fill={ACCENT} opacity={1 - i * 0.15} />
            <text x={labelWidth + Math.max(2, x(stage.value)) + 6} y={rowHeight / 2} fontSize={13} fill={INK} fontFamily="system-ui, sans-serif">
              {stage.value}
            </text>
          </Group>
        ))}
      </svg>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
