/** Base64 of bytes, in chunks (String.fromCharCode over a large array overflows the call stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The UTF-8 bytes of a text, base64 (what the API takes as a payload). */
export const textToBase64 = (text: string): string => bytesToBase64(new TextEncoder().encode(text));

/** UTF-8 text from base64 (decrypted test payloads). */
export const base64ToText = (b64: string): string => new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

/** A chosen file's bytes, base64. */
export async function fileToBase64(file: File): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

/** The API takes payloads up to this size (signing-routes.ts: 2,000,000 base64 characters). */
export const MAX_PAYLOAD_BYTES = 1_400_000;
