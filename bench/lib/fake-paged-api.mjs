// A local JSON API for bench:api, run in its own process so serving pages never competes with the
// loader's event loop: GET /records?page=N answers page N (1-based) of RECORDS records, PAGE per page,
// as `{"data": [...], "page": N, "total_pages": T}`. Prints its port on stdout once listening.
import http from 'node:http';

const RECORDS = Number(process.env.BENCH_API_RECORDS ?? 1_000_000);
const PAGE = Number(process.env.BENCH_API_PAGE ?? 100);
const TOTAL_PAGES = Math.ceil(RECORDS / PAGE);

function record(id) {
  const day = String((id % 28) + 1).padStart(2, '0');
  return `{"id":${id},"name":"customer ${id}","email":"user${id}@example.com","amount":${(id % 100000) / 100 + 0.25},"qty":${id % 1000},` +
    `"active":${id % 3 === 0},"created_at":"2024-02-${day}T10:${String(id % 60).padStart(2, '0')}:00Z","status":"${id % 2 ? 'paid' : 'open'}",` +
    `"address":{"city":"City ${id % 500}","zip":"${10000 + (id % 90000)}"}}`;
}

const server = http.createServer((req, res) => {
  const page = Number(new URL(req.url, 'http://x').searchParams.get('page') ?? 1);
  const parts = [];
  for (let id = (page - 1) * PAGE + 1; id <= Math.min(page * PAGE, RECORDS); id++) parts.push(record(id));
  const body = `{"data":[${parts.join(',')}],"page":${page},"total_pages":${TOTAL_PAGES}}`;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
