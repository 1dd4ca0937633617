import { ApiProblem } from '../../api/client';
import { FIELD_OF } from '../ChannelEditor/draft';
import { problemsByField } from './problems';

const refusal = (error: string, details?: Array<{ field: string; message: string }>) =>
  new ApiProblem(400, { error, details });

describe('problemsByField', () => {
  it('places details by field, and unknown ones on the form', () => {
    expect(
      problemsByField(
        refusal('invalid body', [
          { field: 'rule.low', message: 'must be number' },
          { field: 'rule', message: 'must match a schema in anyOf' },
          { field: 'colour', message: 'must NOT have additional properties' },
        ]),
        FIELD_OF
      )
    ).toEqual({
      low: 'must be number',
      kind: 'must match a schema in anyOf',
      form: 'colour: must NOT have additional properties',
    });
  });

  it('places a field below a known one there, with the rest of its path', () => {
    expect(
      problemsByField(refusal('invalid body', [{ field: 'required.1', message: 'must be string' }]), {
        required: 'required',
      })
    ).toEqual({ required: '1 must be string' });
  });

  it('joins two refusals of one field', () => {
    expect(
      problemsByField(
        refusal('invalid body', [
          { field: 'nickname', message: 'too long' },
          { field: 'nickname', message: 'bad pattern' },
        ]),
        FIELD_OF
      )
    ).toEqual({ nickname: 'too long; bad pattern' });
  });

  it('reads the field from the message when there are no details', () => {
    expect(problemsByField(refusal('nickname: "E" is already used by channel x'), FIELD_OF)).toEqual({
      nickname: '"E" is already used by channel x',
    });
    expect(problemsByField(new ApiProblem(409, { error: 'settings changed meanwhile' }), FIELD_OF)).toEqual({
      form: 'settings changed meanwhile',
    });
  });

  it('puts an error that is not the relay answering on the form', () => {
    expect(problemsByField(new TypeError('Failed to fetch'), FIELD_OF)).toEqual({ form: 'Failed to fetch' });
  });
});
