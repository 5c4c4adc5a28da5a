/** Hands a blob to the browser as a download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves text as a file (a private key shown once after issuing, a detached signature, an inventory export). */
export function saveText(name: string, text: string, type = 'application/x-pem-file'): void {
  saveBlob(new Blob([text], { type }), name);
}
