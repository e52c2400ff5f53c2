import type { DecodedImage, Detector } from '../types.js';
import { readProvenance } from '../provenance/index.js';

export { readProvenance };

/** The provenance signal: reads C2PA, IPTC/XMP, generator and camera metadata from the original bytes. */
export const provenance: Detector = {
  key: 'provenance',
  name: 'Provenance Metadata',
  model:
    'Metadata reader (no model): C2PA manifest stores via JUMBF, IPTC/XMP DigitalSourceType, generator text ' +
    '(A1111/Forge, ComfyUI, InvokeAI, NovelAI, SwarmUI, Fooocus), EXIF via exifr; C2PA signature and hashes checked against the certificate in the file, signer not checked against a trust list',
  desc: 'What the file says about its own origin: content credentials, declared source type, generator settings, camera EXIF',
  analyse: (img: DecodedImage) => readProvenance(img.bytes),
};
