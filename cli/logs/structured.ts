/**
 * The structured side of `fnlogs logs`: which filters go to the server,
 * the batch stages (multiline, filters after joining, collapse, rate
 * limit), and how a line is rendered (level colours, highlights,
 * templates, `--parsed`). `command.ts` calls these from one line each.
 *
 * @module
 */
import type { FollowLogsOptions } from "../../lib/client/follow_logs.ts";
import { CollapseStream } from "../../lib/filters/collapse_stream.ts";
import { compileLogFilter, filterBatch } from "../../lib/filters/log_filter.ts";
import { MultilineStream } from "../../lib/filters/multiline_stream.ts";
import { DroppedLines } from "../../lib/filters/stands_for.ts";
import { RateLimitStream } from "../../lib/filters/rate_limit_stream.ts";
import { parseLogLine } from "../../lib/parse/parse_log_line.ts";
import { renderMessage, type RenderOptions } from "../../lib/render/render_message.ts";
import { renderParsedJson } from "../../lib/render/render_parsed_json.ts";
import { styleText } from "../../lib/render/style_text.ts";
import type { LogBatch, LogMessage } from "../../lib/types.ts";
import { colorCode } from "./colors.ts";
import type { LogsOptions } from "./options.ts";

/** The filter options `followLogBatches` pushes to the server and applies. */
export type PushedFilter = Pick<FollowLogsOptions, "level" | "where" | "grep" | "exclude">;

/**
 * The filters to give the follow loop. With `--multiline` none: a stack
 * trace's continuation lines have no level of their own, so lines are
 * joined first and filtered afterwards (see {@linkcode shapeBatches}).
 */
export function pushedFilter(options: LogsOptions): PushedFilter {
  if (options.multiline) return {};
  return {
    level: options.level,
    where: options.where.map((w) => w.key + w.operator + w.value),
    grep: options.grep,
    exclude: options.exclude,
  };
}

/**
 * The batches after `--multiline` (then the filters), `--collapse` and
 * `--rate-limit`, in that order; `batches` itself when none is asked.
 * `onDropped` hears what the rate limit dropped.
 */
export function shapeBatches(
  batches: AsyncIterable<LogBatch>,
  options: LogsOptions,
  onDropped: (name: string, count: number) => void,
): AsyncIterable<LogBatch> {
  if (!options.multiline && options.collapse === undefined && options.rateLimit === undefined) {
    return batches;
  }
  let stream = ReadableStream.from(batches);
  if (options.multiline) {
    stream = stream.pipeThrough(new MultilineStream());
    const keep = compileLogFilter({
      level: options.level,
      where: options.where,
      grep: options.grep,
      exclude: options.exclude,
    });
    if (keep !== undefined) {
      const dropped = new DroppedLines();
      stream = stream.pipeThrough(
        new TransformStream<LogBatch, LogBatch>({
          transform(batch, controller) {
            const kept = filterBatch(batch, keep, dropped);
            if (kept.length > 0) controller.enqueue(kept);
          },
        }),
      );
    }
  }
  if (options.collapse !== undefined) {
    stream = stream.pipeThrough(new CollapseStream({ mode: options.collapse }));
  }
  if (options.rateLimit !== undefined) {
    stream = stream.pipeThrough(new RateLimitStream({ perSecond: options.rateLimit, onDropped }));
  }
  return stream;
}

/** Renders one message; the same shape as `renderMessage`. */
export type LineRenderer = (message: LogMessage, render: RenderOptions) => string;

const instanceColor = (m: LogMessage) => colorCode(m.name + "\u0000" + m.instance);

function trimTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return text.slice(0, end);
}

/**
 * How each line is rendered: `--template`, `-o json --parsed`, or faas-cli's
 * format with, when colouring, the text coloured by its level and
 * `--highlight` matches marked. Without colour and without those flags it is
 * `renderMessage` itself: faas-cli's bytes, at faas-cli's cost.
 * `onTemplateError` hears the first line a template failed on.
 */
export function lineRenderer(
  options: LogsOptions,
  color: boolean,
  onTemplateError: (reason: string) => void,
): LineRenderer {
  const template = options.template;
  if (template !== undefined) {
    let reported = false;
    const renderOptions = {
      color,
      instanceColor,
      onError: (error: Error) => {
        if (!reported) onTemplateError(error.message);
        reported = true;
      },
    };
    return (message) => template.render(message, renderOptions);
  }
  if (options.output === "json" && options.parsed) return (message) => renderParsedJson(message);
  if (!color || options.output !== "plain") return renderMessage;
  const highlight = options.highlight;
  return (message, render) => {
    const line = renderMessage(message, render);
    const body = trimTrailingNewlines(message.text);
    if (body === "" || !line.endsWith(body + "\n")) return line;
    const styled = styleText(body, parseLogLine(body).level, highlight);
    return styled === body ? line : line.slice(0, line.length - body.length - 1) + styled + "\n";
  };
}
