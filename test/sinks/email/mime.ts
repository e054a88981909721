// Just enough MIME to read back what the sender put on the wire: unfolded headers with RFC 2047
// encoded words decoded, and the leaf parts of a multipart body with their transfer encoding undone.
// A test that reads raw bytes checks what a mail client will see, not what nodemailer was given.

export type Part = { headers: Record<string, string>; body: string };

export function parseMessage(raw: string): Part & { parts: Part[] } {
  const { headers, body } = split(raw);
  return { headers, body, parts: leaves(headers, body) };
}

function split(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, end).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(end + 4) };
}

function leaves(headers: Record<string, string>, body: string): Part[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary || !/^multipart\//i.test(headers['content-type'] ?? '')) return [{ headers, body: decodeBody(body, headers['content-transfer-encoding']) }];
  const sections = body.split(`--${boundary}`).slice(1, -1);
  return sections.flatMap((s) => {
    // The CRLF before a delimiter belongs to the delimiter (RFC 2046), not to the part.
    const part = split(s.replace(/^\r\n/, '').replace(/\r\n$/, ''));
    return leaves(part.headers, part.body);
  });
}

function decodeBody(body: string, encoding = '7bit'): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return qpBytes(body.replace(/=\r\n/g, '')).toString('utf8');
    default:
      return body;
  }
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047: adjacent encoded words join (the whitespace between them is not text) before UTF-8 decoding, since one character may be split across two words. */
export function decodeWords(value: string): string {
  return value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)(\s+=\?[^?]+\?[BbQq]\?[^?]*\?=)+|=\?[^?]+\?[BbQq]\?[^?]*\?=/g, (run) => {
    const words = run.match(/=\?[^?]+\?[BbQq]\?[^?]*\?=/g)!;
    const bytes = words.map((w) => {
      const [, , enc, text] = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/.exec(w)!;
      return enc!.toUpperCase() === 'B' ? Buffer.from(text!, 'base64') : qpBytes(text!.replace(/_/g, ' '));
    });
    return Buffer.concat(bytes).toString('utf8');
  });
}
