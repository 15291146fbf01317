import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { DomainConfig } from './config/stages.js';
import { checkProps } from './props.js';

/** The web app's origin on a domain: what users open and what the API's CORS allows. */
export const webOrigin = (domain: Pick<DomainConfig, 'name'>): string => `https://${domain.name}`;

export interface WebDomainProps {
  /** The name to serve and the existing hosted zone that holds it. */
  readonly domain: DomainConfig;
  /** The load balancer the name points at. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
}

/**
 * The web app's name: an alias record in an existing hosted zone (given by id and name, so synth
 * needs no lookup) and a DNS-validated ACM certificate. The zone must already exist and be
 * delegated: a zone created here would hold the certificate, and the deploy, until someone
 * delegated it by hand.
 */
export class WebDomain extends Construct {
  public readonly certificate: acm.Certificate;

  constructor(scope: Construct, id: string, props: WebDomainProps) {
    super(scope, id);
    const { name, hostedZoneId, zoneName } = props.domain;
    checkProps(this, [
      !/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId) &&
        `domain.hostedZoneId must be a Route 53 zone id like Z0123456789ABC (got "${hostedZoneId}")`,
      name !== zoneName &&
        !name.endsWith(`.${zoneName}`) &&
        `domain.name must be inside domain.zoneName (${zoneName})`,
    ]);

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId, zoneName });
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: name,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    new route53.ARecord(this, 'Alias', {
      zone,
      recordName: name,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(props.loadBalancer)),
    });
  }
}
