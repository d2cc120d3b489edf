// The ceiling for a benchmark scenario: answers every request with the recorded bytes of the real server's
// answers (in turn), doing no other work. Usage: node limit-server.mjs RESPONSES.json PORT
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
      response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.body.length })
      response.end(answer.body)
    })
  })
  .listen(Number(port), '127.0.0.1', () => process.send?.('listening'))
