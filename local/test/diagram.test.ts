/** The architecture diagram: the resource graph read from templates, and its SVG. */
import { describe, expect, it } from 'vitest';
import type { Template } from '../src/assembly/index.js';
import { architectureSvg, resourceGraph } from '../src/diagram/index.js';
import { assemblyOf as assemblyFrom } from './support/assembly.js';

const assemblyOf = (stacks: Record<string, Template>) =>
  assemblyFrom(stacks, { stageName: 'App-dev', region: 'us-east-1' });

const DATA: Template = {
  Resources: { Table1234ABCD: { Type: 'AWS::DynamoDB::Table', Properties: {} } },
  Outputs: {
    TableName: { Value: { Ref: 'Table1234ABCD' }, Export: { Name: 'App-dev-Data:TableName' } },
    TableArn: { Value: { 'Fn::GetAtt': ['Table1234ABCD', 'Arn'] } },
  },
};

describe('resourceGraph', () => {
  it('draws an edge for each Ref, GetAtt and Fn::Sub variable, from the referring resource', () => {
    // Arrange
    const assembly = assemblyOf({
      'App-dev-Api': {
        Resources: {
          Queue0000AAAA: { Type: 'AWS::SQS::Queue' },
          TopicBBBB1111: { Type: 'AWS::SNS::Topic' },
          Fn12345678: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              Environment: { Variables: { QUEUE: { Ref: 'Queue0000AAAA' } } },
              Topic: { 'Fn::GetAtt': 'TopicBBBB1111.TopicName' },
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
              Url: { 'Fn::Sub': ['https://${Queue0000AAAA}/${Own}/${AWS::Region}', { Own: 'x' }] },
            },
          },
        },
      },
    });

    // Act
    const graph = resourceGraph(assembly);

    // Assert
    expect(graph.edges).toEqual([
      { from: 'Api/Fn12345678', to: 'Api/Queue0000AAAA' },
      { from: 'Api/Fn12345678', to: 'Api/TopicBBBB1111' },
    ]);
  });

  it('follows Fn::ImportValue and Fn::GetStackOutput to the resource the other stack exports', () => {
    // Arrange
    const assembly = assemblyOf({
      'App-dev-Data': DATA,
      'App-dev-Api': {
        Resources: {
          Reader00000001: {
            Type: 'AWS::Lambda::Function',
            Properties: { Table: { 'Fn::ImportValue': 'App-dev-Data:TableName' } },
          },
          Writer00000002: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              Table: { 'Fn::GetStackOutput': { StackName: 'App-dev-Data', OutputName: 'TableArn' } },
            },
          },
        },
      },
    });

    // Act
    const graph = resourceGraph(assembly);

    // Assert
    expect(graph.stacks).toEqual(['Data', 'Api']);
    expect(graph.edges).toEqual([
      { from: 'Api/Reader00000001', to: 'Data/Table1234ABCD' },
      { from: 'Api/Writer00000002', to: 'Data/Table1234ABCD' },
    ]);
  });

  it('groups crowds into one counted box per stack and leaves plumbing out, counted in the note', () => {
    // Arrange: two alarms, an IAM role, CDK metadata and a custom resource with its provider function.
    const assembly = assemblyOf({
      'App-dev-Data': DATA,
      'App-dev-Monitoring': {
        Resources: {
          ReadAlarm1111AAAA: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: { Dimensions: [{ Value: { 'Fn::ImportValue': 'App-dev-Data:TableName' } }] },
          },
          WriteAlarm2222BBBB: { Type: 'AWS::CloudWatch::Alarm' },
          Role33334444: { Type: 'AWS::IAM::Role' },
          CDKMetadata: { Type: 'AWS::CDK::Metadata' },
          Provider55556666: { Type: 'AWS::Lambda::Function' },
          Setting77778888: {
            Type: 'Custom::Setting',
            Properties: { ServiceToken: { 'Fn::GetAtt': ['Provider55556666', 'Arn'] } },
          },
        },
      },
    });

    // Act
    const graph = resourceGraph(assembly);

    // Assert
    expect(graph.nodes.map((n) => [n.id, n.label, n.logicalIds])).toEqual([
      ['Data/Table1234ABCD', 'Table', ['Table1234ABCD']],
      ['Monitoring/group:Alarms', 'Alarms (2)', ['ReadAlarm1111AAAA', 'WriteAlarm2222BBBB']],
    ]);
    expect(graph.edges).toEqual([{ from: 'Monitoring/group:Alarms', to: 'Data/Table1234ABCD' }]);
    expect(graph.omitted).toEqual([
      { category: 'CDK metadata', count: 1 },
      { category: 'IAM roles and policies', count: 1 },
      { category: 'custom-resource plumbing', count: 2 },
    ]);
  });

  it('draws an association (a WAF on a load balancer) as an edge between the two it joins', () => {
    // Arrange
    const assembly = assemblyOf({
      'App-dev-Web': {
        Resources: {
          Acl0000AAAA: { Type: 'AWS::WAFv2::WebACL' },
          Lb1111BBBB: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer' },
          Assoc2222CCCC: {
            Type: 'AWS::WAFv2::WebACLAssociation',
            Properties: {
              WebACLArn: { 'Fn::GetAtt': ['Acl0000AAAA', 'Arn'] },
              ResourceArn: { Ref: 'Lb1111BBBB' },
            },
          },
        },
      },
    });

    // Act
    const graph = resourceGraph(assembly);

    // Assert
    expect(graph.nodes.map((n) => n.id)).toEqual(['Web/Acl0000AAAA', 'Web/Lb1111BBBB']);
    expect(graph.edges).toEqual([{ from: 'Web/Acl0000AAAA', to: 'Web/Lb1111BBBB' }]);
  });

  it('does not draw what a dashboard refers to, and says so', () => {
    // Arrange
    const assembly = assemblyOf({
      'App-dev-Data': DATA,
      'App-dev-Monitoring': {
        Resources: {
          Board0000AAAA: {
            Type: 'AWS::CloudWatch::Dashboard',
            Properties: {
              DashboardBody: { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'App-dev-Data:TableName' }]] },
            },
          },
        },
      },
    });

    // Act
    const graph = resourceGraph(assembly);

    // Assert
    expect(graph.edges).toEqual([]);
    expect(graph.unlinked).toEqual(['AWS::CloudWatch::Dashboard']);
  });
});

describe('architectureSvg', () => {
  it('is the same document on every run, with a box per node and its escaped label', async () => {
    // Arrange
    const assembly = assemblyOf({
      'App-dev-Data': DATA,
      'App-dev-Api': {
        Resources: {
          'Fn<b>00000001': {
            Type: 'AWS::Lambda::Function',
            Properties: { Table: { 'Fn::ImportValue': 'App-dev-Data:TableName' } },
          },
        },
      },
    });

    // Act
    const first = await architectureSvg(assembly);
    const second = await architectureSvg(assembly);

    // Assert
    expect(second).toBe(first);
    expect(first.match(/<g class="node"/g)).toHaveLength(2);
    expect(first).toContain('Fn&#60;b&#62;');
    expect(first).not.toContain('<b>');
    expect(first.match(/<path class="edge"/g)).toHaveLength(1);
  });
});
