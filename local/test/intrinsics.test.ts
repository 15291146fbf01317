// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these are CloudFormation Fn::Sub strings, not JS templates.
import { describe, expect, it } from 'vitest';
import { type ResolveContext, resolveIntrinsic, UnresolvableError } from '../src/intrinsics/index.js';

const exports: Record<string, string> = { 'Data:TableName': 'tasks-table' };

const ctx: ResolveContext = {
  stackName: 'TaskTracker-dev-Api',
  region: 'eu-west-1',
  accountId: '000000000000',
  ref: (id) => ({ Table: 'tasks-table', Api: 'abc123', Stage: 'v1' })[id],
  getAtt: (id, attribute) =>
    id === 'Fn' && attribute === 'Arn' ? 'arn:aws:lambda:eu-west-1:000000000000:function:fn' : undefined,
  importValue: (name) => exports[name],
  stackOutput: (stack, output) =>
    stack === 'TaskTracker-dev-Data' && output === 'OutputRefTable' ? 'tasks-table' : undefined,
  conditions: { IsDev: { 'Fn::Equals': ['dev', 'dev'] }, IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] } },
  mappings: { Sizes: { dev: { Memory: 256 } } },
};

const resolve = (value: unknown) => resolveIntrinsic(value, ctx, 'Api/Fn.Environment');

describe('resolveIntrinsic', () => {
  it('resolves Ref to resources and pseudo parameters', () => {
    expect(resolve({ Ref: 'Table' })).toBe('tasks-table');
    expect(resolve({ Ref: 'AWS::Region' })).toBe('eu-west-1');
    expect(resolve({ Ref: 'AWS::AccountId' })).toBe('000000000000');
    expect(resolve({ Ref: 'AWS::Partition' })).toBe('aws');
    expect(resolve({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
    expect(resolve({ Ref: 'AWS::StackName' })).toBe('TaskTracker-dev-Api');
  });

  it('resolves Fn::GetAtt in list and dotted string form', () => {
    expect(resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toMatch(/:function:fn$/);
    expect(resolve({ 'Fn::GetAtt': 'Fn.Arn' })).toMatch(/:function:fn$/);
  });

  it('resolves Fn::Join of nested intrinsics (the API URL shape CDK emits)', () => {
    const url = {
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: 'Api' },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: 'Stage' },
          '/',
        ],
      ],
    };
    expect(resolve(url)).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/v1/');
  });

  it('resolves Fn::Sub with pseudo parameters, refs, attributes, variables and ${!Literal}', () => {
    expect(resolve({ 'Fn::Sub': '${AWS::Region}/${Table}/${Fn.Arn}/${!Literal}' })).toBe(
      'eu-west-1/tasks-table/arn:aws:lambda:eu-west-1:000000000000:function:fn/${Literal}',
    );
    expect(resolve({ 'Fn::Sub': ['${Name}-x', { Name: { Ref: 'Table' } }] })).toBe('tasks-table-x');
  });

  it('resolves Fn::Select over Fn::Split', () => {
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('b');
  });

  it('resolves Fn::ImportValue from another stack', () => {
    expect(resolve({ 'Fn::ImportValue': 'Data:TableName' })).toBe('tasks-table');
  });

  it('resolves Fn::GetStackOutput (a weak cross-stack reference) and names a missing output', () => {
    const weak = (OutputName: string) => ({
      'Fn::GetStackOutput': { StackName: 'TaskTracker-dev-Data', OutputName, Region: 'eu-west-1' },
    });
    expect(resolve(weak('OutputRefTable'))).toBe('tasks-table');
    expect(() => resolve(weak('OutputRefGone'))).toThrow(
      'stack TaskTracker-dev-Data has no output OutputRefGone',
    );
  });

  it('evaluates Fn::If conditions, drops AWS::NoValue and reads Fn::FindInMap', () => {
    expect(resolve({ 'Fn::If': ['IsDev', 'yes', 'no'] })).toBe('yes');
    expect(resolve({ 'Fn::If': ['IsProd', 'yes', 'no'] })).toBe('no');
    expect(resolve({ A: 1, B: { 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] } })).toEqual({ A: 1 });
    expect(resolve({ 'Fn::FindInMap': ['Sizes', 'dev', 'Memory'] })).toBe(256);
  });

  it('leaves plain values alone and resolves inside objects and lists', () => {
    expect(
      resolve({ Variables: { TABLE_NAME: { Ref: 'Table' }, LEVEL: 'DEBUG' }, List: [{ Ref: 'Api' }] }),
    ).toEqual({
      Variables: { TABLE_NAME: 'tasks-table', LEVEL: 'DEBUG' },
      List: ['abc123'],
    });
  });

  it('names the resource, property and reference it cannot resolve', () => {
    expect(() => resolve({ Ref: 'Missing' })).toThrow(UnresolvableError);
    expect(() => resolve({ Ref: 'Missing' })).toThrow(
      'Api/Fn.Environment: cannot resolve Ref Missing in stack TaskTracker-dev-Api.',
    );
    expect(() => resolve({ 'Fn::GetAtt': ['Fn', 'Nope'] })).toThrow('cannot resolve Fn::GetAtt Fn.Nope');
    expect(() => resolve({ 'Fn::ImportValue': 'Nobody:Exports' })).toThrow(
      'no stack exports "Nobody:Exports"',
    );
    expect(() => resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] })).toThrow('cannot resolve Fn::Cidr');
  });
});
