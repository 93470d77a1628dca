/**
 * How `fnlogs logs` turns a batch into the text of one stdout write:
 * faas-cli's bytes for one function, `NAME (INSTANCE)` prefixes (coloured
 * on a terminal) for several.
 *
 * @module
 */
import { renderMessage, type RenderOptions } from "../../lib/render/render_message.ts";
import type { LogRecord } from "../../lib/types.ts";
import { colorize } from "./colors.ts";
import type { LogsOptions } from "./options.ts";
import type { LineRenderer } from "./structured.ts";

/** Renders a batch into one string: faas-cli's bytes, or prefixed lines for several functions. */
export function makeRenderer(
  options: LogsOptions,
  several: boolean,
  color: boolean,
  renderLine: LineRenderer = renderMessage,
): (batch: readonly LogRecord[]) => string {
  const render: RenderOptions = {
    output: options.output,
    timeFormat: options.timeFormat,
    showName: options.showName,
    showInstance: options.showInstance,
  };
  if (!several || options.output === "json" || options.template !== undefined) {
    return (batch) => {
      let text = "";
      for (let i = 0; i < batch.length; i++) text += renderLine(batch[i], render);
      return text;
    };
  }
  if (options.output === "keyvalue") {
    const withIds = { ...render, showName: true, showInstance: true };
    return (batch) => {
      let text = "";
      for (let i = 0; i < batch.length; i++) text += renderLine(batch[i], withIds);
      return text;
    };
  }
  const bare = { ...render, showName: false, showInstance: false };
  const prefixes = new Map<string, string>();
  return (batch) => {
    let text = "";
    for (let i = 0; i < batch.length; i++) {
      const m = batch[i];
      const key = m.name + "\u0000" + m.instance;
      let prefix = prefixes.get(key);
      if (prefix === undefined) {
        prefix = `${m.name} (${m.instance}) `;
        if (color) prefix = colorize(prefix, key);
        if (prefixes.size < 10_000) prefixes.set(key, prefix);
      }
      text += prefix + renderLine(m, bare);
    }
    return text;
  };
}
