// The ceiling for a benchmark scenario: answers every request with the recorded bytes of the real server's
// answers (in turn), doing no other work. A recorded 304 is answered as an empty 304 with its ETag.
// Usage: node limit-server.mjs RESPONSES.json PORT
import fs from 'node:fs'
import http from 'node:http'

const [file, port] = process.argv.slice(2)
const responses = JSON.parse(fs.readFileSync(file, 'utf8')).map((r) => ({ ...r, body: Buffer.from(r.body) }))
let next = 0
http
  .createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      const answer = responses[next++ % responses.length]
      const etag = answer.etag ? { etag: answer.etag } : {}
      if (answer.status === 304) {
        response.writeHead(304, etag)
        response.end()
        return
      }
      response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.body.length, ...etag })
      response.end(answer.body)
    })
  })
  .listen(Number(port), '127.0.0.1', () => process.send?.('listening'))
