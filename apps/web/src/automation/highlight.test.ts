// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell source under test
import { describe, expect, it } from 'vitest';
import { tokenize } from './highlight';

describe('tokenize', () => {
  it('colours comments, strings, variables and keywords, and loses no character', () => {
    const source = '#!/bin/sh\n# greet\nif [ -n "$NAME" ]; then echo \'hi\' ${NAME}; fi # done\nurl=a#b\n';
    const tokens = tokenize(source);
    expect(tokens.map((t) => t.text).join('')).toBe(source);
    const of = (kind: string) => tokens.filter((t) => t.kind === kind).map((t) => t.text);
    expect(of('shebang')).toEqual(['#!/bin/sh']);
    expect(of('comment')).toEqual(['# greet', '# done']);
    expect(of('string')).toEqual(['"$NAME"', "'hi'"]);
    expect(of('variable')).toEqual(['${NAME}']);
    expect(of('keyword')).toEqual(['if', 'then', 'fi']);
  });
});
