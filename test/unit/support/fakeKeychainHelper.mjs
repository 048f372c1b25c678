// Stands in for dist/server/keychain-helper.js in tests:
//   node fakeKeychainHelper.mjs reply <calls> <answer>   appends its request's op and account to the file
//                                                        <calls> (one line per call), then answers with the
//                                                        contents of the file <answer>
//   node fakeKeychainHelper.mjs crash                    exits with an error and no answer
import { appendFileSync, readFileSync } from 'node:fs';

const [behaviour, calls, answer] = process.argv.slice(2);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  if (behaviour === 'reply') {
    const request = JSON.parse(input);
    appendFileSync(calls, `${request.op} ${request.account}\n`);
    process.stdout.write(`${readFileSync(answer, 'utf8').trim()}\n`);
  } else {
    process.stderr.write('fake helper: crashed on purpose\n');
    process.exit(3);
  }
});
