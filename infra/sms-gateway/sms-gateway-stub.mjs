// A stand-in for the SMS gateway in docker-compose.yml: it accepts every POST the way qrm's HTTP
// gateway contract expects (services/sinks/sms/http-gateway.ts: a 2xx with {"messageId": "..."}),
// logs one JSON line per request on stdout (`docker compose logs sms-gateway`), and sends nothing.
// It checks no signature on purpose: it is for seeing what qrm would send, never for production.
// Plain Node, no dependencies, so it runs in the stock node image.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const maxBody = 64 * 1024;
let n = 0;

// Recipients are staff numbers, still personal data: shown as qrm shows them in its own logs
// (services/sinks/sms/mask.ts), 138****8000.
function mask(phone) {
  const digits = phone.replace(/\D/g, '').replace(/^(?:00)?86(?=1\d{10}$)/, '');
  return digits.length >= 8 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****';
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/')) {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
    if (body.length > maxBody) req.destroy();
  });
  req.on('end', () => {
    let message;
    try {
      message = JSON.parse(body);
    } catch {
      message = undefined;
    }
    const messageId = `stub-${Date.now()}-${++n}`;
    const line = {
      at: new Date().toISOString(),
      path: req.url,
      messageId,
      id: message?.id,
      to: typeof message?.to === 'string' ? mask(message.to) : undefined,
      text: message?.text,
      chars: typeof message?.text === 'string' ? [...message.text].length : undefined,
      signed: typeof req.headers['x-qrm-signature'] === 'string',
      ...(message === undefined ? { unparsed: body.slice(0, 500) } : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId }));
  });
});

server.listen(port, () => {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), msg: 'sms gateway stub listening', port: server.address().port })}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
