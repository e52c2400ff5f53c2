// AssemblyScript, compiled to dist/detectors/maths/kernels.wasm by `npm run build` (see ../wasm.ts).
//
// The detectors' per-pixel loops with WebAssembly SIMD. Every kernel but the FFT gives exactly the
// values of the TypeScript reference code it replaces (test/detectors/wasm.test.ts checks them bit
// for bit): medians only select values; sums are formed in the reference order (SIMD lanes run over
// independent sums, never across one); WebAssembly never fuses a multiply into an add. The FFT's
// butterflies are not fft.js's, so its spectrum is equal to rounding (features within 1e-9).
// Pointers are byte offsets into this module's memory; the caller (wasm.ts) lays out the regions.

export * from './median';
export * from './blocks';
export * from './resize';
export * from './spectrum';
