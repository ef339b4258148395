import { AxisBottom } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleLinear } from "@visx/scale";
import type { LadderRung } from "~/domain/cadence-policy";
import { ChartSvg } from "./charts";

/**
 * The ladder a policy defines, on a time axis from before the due date to after it: one mark per
 * step, its shape the channel (● e-mail, ■ SMS, ◆ call, ▲ registered letter). Drawn by visx as
 * SVG on the server, then again on each edit; the list under it says the same in words.
 */
const WIDTH = 720;
const HEIGHT = 150;
const MARGIN = { left: 24, right: 24, top: 10, bottom: 28 };
const INK = "#52525b";
const COLOURS: Record<LadderRung["channel"], string> = {
  email: "#1d4ed8",
  sms: "#15803d",
  call: "#b45309",
  letter: "#b91c1c",
};

const day = (offset: number) => (offset === 0 ? "J" : offset > 0 ? `J+${offset}` : `J${offset}`);

function Mark({ rung, x, y }: { rung: LadderRung; x: number; y: number }) {
  const fill = COLOURS[rung.channel];
  if (rung.channel === "sms") return <rect x={x - 6} y={y - 6} width={12} height={12} fill={fill} />;
  if (rung.channel === "call") return <polygon points={`${x},${y - 8} ${x + 8},${y} ${x},${y + 8} ${x - 8},${y}`} fill={fill} />;
  if (rung.channel === "letter") return <polygon points={`${x},${y - 8} ${x + 8},${y + 6} ${x - 8},${y + 6}`} fill={fill} />;
  return <circle cx={x} cy={y} r={7} fill={fill} />;
}

export function CadenceLadder({ title, rungs }: { title: string; rungs: readonly LadderRung[] }) {
  const offsets = rungs.map((r) => r.offsetDays);
  const x = scaleLinear<number>({
    domain: [Math.min(-5, ...offsets), Math.max(30, ...offsets)],
    range: [MARGIN.left, WIDTH - MARGIN.right],
  });
  const axisY = HEIGHT - MARGIN.bottom;
  const words = rungs.map((r) => `${day(r.offsetDays)} : ${r.name}${r.kind === "call" ? "" : ` par ${r.channelName}`}`);
  return (
    <figure className="chart ladder" data-testid="cadence-ladder">
      <ChartSvg title={title} summary={words.length === 0 ? "Aucune étape valide." : words.join(" ; ")} width={WIDTH} height={HEIGHT}>
        <line x1={x(0)} x2={x(0)} y1={MARGIN.top} y2={axisY} stroke={INK} strokeDasharray="4 3" />
        <text x={x(0) + 4} y={MARGIN.top + 10} fontSize={11} fill={INK} fontFamily="system-ui, sans-serif">
          échéance
        </text>
        {rungs.map((rung, i) => {
          // Three lanes, so that steps a few days apart keep readable labels.
          const y = axisY - 22 - (i % 3) * 32;
          const cx = x(rung.offsetDays);
          return (
            <Group key={`${rung.kind}-${i}`}>
              <line x1={cx} x2={cx} y1={y} y2={axisY} stroke={COLOURS[rung.channel]} strokeWidth={1.5} />
              <Mark rung={rung} x={cx} y={y} />
              {/* Past the middle, the label goes to the left of its mark so that it stays inside the picture. */}
              <text x={cx > WIDTH / 2 ? cx - 10 : cx + 10} y={y + 4} textAnchor={cx > WIDTH / 2 ? "end" : "start"} fontSize={12} fill="#18181b" fontFamily="system-ui, sans-serif">
                {rung.name} ({day(rung.offsetDays)})
              </text>
            </Group>
          );
        })}
        <AxisBottom
          top={axisY}
          scale={x}
          numTicks={8}
          tickFormat={(v) => day(Number(v))}
          stroke={INK}
          tickStroke={INK}
          tickLabelProps={{
            fill: INK,
            fontSize: 11,
            textAnchor: "middle",
            fontFamily: "system-ui, sans-serif",
          }}
        />
      </ChartSvg>
      <figcaption>
        <ol className="ladder-words">
          {rungs.map((r, i) => (
            <li key={`${r.kind}-${i}`}>
              <span className={`ladder-key ${r.channel}`} aria-hidden="true" /> {words[i]}
            </li>
          ))}
        </ol>
      </figcaption>
    </figure>
  );
}
