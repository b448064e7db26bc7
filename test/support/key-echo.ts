/**
 * A terminal program for testing TmuxScreen: reads keys in raw mode and prints each read as a JSON string,
 * numbered, so a test can tell which bytes a key arrived as; prints its size on SIGWINCH; exits on "q" with the
 * status given as its first argument.
 *
 *   node dist/test/support/key-echo.js 7
 *
 *   ready 160x45
 *   wide: 中文|
 *   colour: red plain
 *   trail:
 *   #1 got "\u001b[A"
 *   size 120x30
 *   #2 got "q"
 */

const status = Number(process.argv[2] ?? 0);
const write = (line: string): boolean => process.stdout.write(`${line}\r\n`);

process.stdin.setRawMode(true);
write(`ready ${process.stdout.columns}x${process.stdout.rows}`);
write('wide: 中文|');
write('colour: \x1b[31mred\x1b[0m plain');
write('trail:   ');

let reads = 0;
process.stdout.on('resize', () => write(`size ${process.stdout.columns}x${process.stdout.rows}`));
process.stdin.on('data', (bytes: Buffer) => {
  const text = bytes.toString('utf8');
  write(`#${++reads} got ${JSON.stringify(text)}`);
  if (text === 'q') process.exit(status);
});
