// The harness (filled in by the io_uring issue).
console.log('tpio bench harness: not yet implemented');
