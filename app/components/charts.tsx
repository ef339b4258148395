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

/** An SVG image named by its title and described by its summary sentence, scaling to its container. */
export function ChartSvg({ title, summary, width, height, children }: { title: string; summary: string; width: number; height: number; children: React.ReactNode }) {
  const id = useId();
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{summary}</desc>
      {children}
    </svg>
  );
}

type Scales = ReturnType<typeof scalesOf>;

function scalesOf(points: readonly ChartPoint[]) {
  const max = Math.max(1, ...points.map((p) => p.value ?? 0));
  const x = scaleBand<string>({ domain: points.map((p) => p.label), range: [0, WIDTH - MARGIN.left - MARGIN.right], padding: 0.2 });
  const y = scaleLinear<number>({ domain: [0, max], range: [HEIGHT - MARGIN.top - MARGIN.bottom, 0], nice: true });
  return { x, y };
}

/** A chart over periods: the marks drawn by `marks`, both axes, and the figures as a table for screen readers. */
function PeriodChart({ marks, ...props }: ChartProps & { marks: (scales: Scales) => React.ReactNode }) {
  const { x, y } = scalesOf(props.points);
  const every = props.labelEvery ?? 1;
  const shown = props.points.filter((_, i) => (props.points.length - 1 - i) % every === 0).map((p) => p.label);
  const labelProps = { fill: INK, fontSize: 11, fontFamily: "system-ui, sans-serif" };
  return (
    <figure className="chart" data-testid={props.testId}>
      <ChartSvg title={props.title} summary={props.summary} width={WIDTH} height={HEIGHT}>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {marks({ x, y })}
          <AxisLeft scale={y} numTicks={4} tickFormat={(v) => props.tick(Number(v))} stroke={INK} tickStroke={INK} tickLabelProps={{ ...labelProps, textAnchor: "end", dx: -4, dy: 4 }} />
          <AxisBottom top={y.range()[0]} scale={x} tickValues={shown} stroke={INK} tickStroke={INK} tickLabelProps={{ ...labelProps, textAnchor: "middle" }} />
        </Group>
      </ChartSvg>
      <table className="visually-hidden">
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">Période</th>
            <th scope="col">{props.valueHeader}</th>
          </tr>
        </thead>
        <tbody>
          {props.points.map((p) => (
            <tr key={p.label}>
              <th scope="row">{p.label}</th>
              <td>{p.display}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption className="muted">{props.summary}</figcaption>
    </figure>
  );
}

export function BarChart(props: ChartProps) {
  return (
    <PeriodChart
      {...props}
      marks={({ x, y }) =>
        props.points.map((p) => {
          const top = y(p.value ?? 0);
          return <Bar key={p.label} x={x(p.label)} y={top} width={x.bandwidth()} height={Math.max(0, y.range()[0]! - top)} fill={ACCENT} />;
        })
      }
    />
  );
}

export function LineChart(props: ChartProps) {
  return (
    <PeriodChart
      {...props}
      marks={({ x, y }) => {
        const centre = (label: string) => (x(label) ?? 0) + x.bandwidth() / 2;
        return (
          <>
            {/* A month with nothing invoiced has no DSO: the line breaks there instead of dropping to zero. */}
            <LinePath data={[...props.points]} x={(p) => centre(p.label)} y={(p) => y(p.value ?? 0)} defined={(p) => p.value !== null} stroke={ACCENT} strokeWidth={2.5} />
            {props.points.map((p) => (p.value === null ? null : <circle key={p.label} cx={centre(p.label)} cy={y(p.value)} r={3.5} fill={ACCENT} />))}
          </>
        );
      }}
    />
  );
}

/** A funnel: one horizontal bar per stage, its length the share of the first stage. */
export function FunnelChart({ title, summary, stages, testId }: { title: string; summary: string; stages: readonly { label: string; value: number }[]; testId?: string }) {
  const rowHeight = 34;
  const labelWidth = 150;
  const height = stages.length * rowHeight + 8;
  const x = scaleLinear<number>({
    domain: [0, Math.max(1, stages[0]?.value ?? 1)],
    range: [0, WIDTH - labelWidth - 80],
  });
  return (
    <figure className="chart" data-testid={testId}>
      <ChartSvg title={title} summary={summary} width={WIDTH} height={height}>
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
      </ChartSvg>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
