import { CfnOutput, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ConfigurationSet, EmailIdentity, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailProps {
  /** The From address of every email. */
  senderEmail: string;
  /** When set, the whole domain is verified with Easy DKIM instead of the one address. */
  senderDomain?: string;
}

/** The SES actions a sender needs: the v1 and v2 APIs share them. */
export const SEND_ACTIONS = ['ses:SendEmail', 'ses:SendRawEmail'] as const;

/**
 * The SES sender identity and the configuration set every email goes through (reputation metrics,
 * account-level suppression of bounces and complaints).
 */
export class Mail extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly senderEmail: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: props.senderDomain ? Identity.domain(props.senderDomain) : Identity.email(props.senderEmail),
      configurationSet: this.configurationSet,
    });
    if (props.senderDomain) {
      // Easy DKIM verifies the domain once these three CNAMEs are published.
      this.identity.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, {
          description: `DKIM CNAME ${i + 1} to publish for ${props.senderDomain}`,
          value: `${record.name} CNAME ${record.value}`,
        });
      });
    }
  }

  get configurationSetName(): string {
    return this.configurationSet.configurationSetName;
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  /** The environment a sending function reads. */
  get environment(): Record<string, string> {
    return { SENDER_EMAIL: this.senderEmail, SES_CONFIGURATION_SET: this.configurationSetName };
  }

  /**
   * Send permission on this identity and configuration set only, and only From the sender address:
   * a compromised function cannot send as anyone else or through another identity.
   */
  grantSendEmail(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...SEND_ACTIONS],
        resources: [this.identity.emailIdentityArn, this.configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': this.senderEmail } },
      }),
    );
  }
}
