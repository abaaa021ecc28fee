/** Hand text fetched with the user's token (a plain link would not carry it) to the browser as a download. */
export async function saveAs(body: Promise<string>, filename: string, type: string): Promise<void> {
  const url = URL.createObjectURL(new Blob([await body], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}
