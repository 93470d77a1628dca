/**
 * Saves text as a file through the browser's download, from a `blob:` URL
 * (nothing is sent anywhere).
 *
 * @module
 */

/** Offers `text` for download as `name`. */
export function saveFile(name: string, text: string, type: string): void {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
