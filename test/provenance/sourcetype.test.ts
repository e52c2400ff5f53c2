import { describe, expect, it } from 'vitest';
import { sourceClass, sourceTerm, sourceTermsIn } from '../../src/provenance/sourcetype.ts';
import { aiToolName } from '../../src/provenance/generators.ts';

describe('IPTC digital source types', () => {
  it('accepts bare terms and URIs (with or without a trailing slash), rejects others', () => {
    expect(sourceTerm('trainedAlgorithmicMedia')).toBe('trainedAlgorithmicMedia');
    expect(sourceTerm('http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia/')).toBe('compositeWithTrainedAlgorithmicMedia');
    expect(sourceTerm('https://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture')).toBe('digitalCapture');
    expect(sourceTerm('http://example.org/AI')).toBeUndefined();
    expect(sourceTerm('')).toBeUndefined();
  });

  it('classes: AI, composite, capture, human', () => {
    expect(sourceClass('trainedAlgorithmicMedia')).toBe('ai');
    expect(sourceClass('compositeWithTrainedAlgorithmicMedia')).toBe('ai-composite');
    expect(sourceClass('computationalCapture')).toBe('capture');
    expect(sourceClass('digitalArt')).toBe('human');
    expect(sourceClass('screenCapture')).toBe('other');
  });

  it('finds source types inside JSON-LD text', () => {
    const j = '{"Iptc4xmpExt:DigitalSourceType":"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}';
    expect(sourceTermsIn(j)).toEqual(['trainedAlgorithmicMedia']);
  });
});

describe('AI tool names in Software fields', () => {
  it('matches known tools as whole words only', () => {
    expect(aiToolName('Adobe Firefly')).toBe('Adobe Firefly');
    expect(aiToolName('Made with Google AI')).toBe('Made with Google AI');
    expect(aiToolName('DALL·E 3')).toBe('DALL·E');
    expect(aiToolName('Adobe Photoshop 26.0 (Windows)')).toBeUndefined();
    expect(aiToolName('Imagenomic Portraiture')).toBeUndefined();
    expect(aiToolName('GIMP 2.10')).toBeUndefined();
  });
});
