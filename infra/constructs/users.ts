import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { MANAGERS_GROUP } from '#contracts/actor';

export const REPS_GROUP = 'reps';

/**
 * The reps' and managers' accounts. Admins create them (no self sign-up); the API's JWT authorizer
 * trusts tokens issued to `client`. Group `managers` is the claim the functions check
 * (`cognito:groups`), `reps` documents the others.
 *
 * Plus feature plan with threat protection enforced: the pool guards customer data behind plain
 * passwords, so compromised-credential checks and adaptive challenges earn their $0.02 per monthly
 * active user (a sales team of 20 costs $0.40 a month).
 */
export interface RepDirectoryProps {
  /**
   * The console's sign-in (Cognito's managed login, authorization code + PKCE): where Cognito may
   * send the browser back after signing in and out, and the prefix of the login domain.
   */
  console: { callbackUrl: string; signOutUrl: string; domainPrefix: string };
}

export class RepDirectory extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** Cognito's managed login pages: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly loginDomain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: RepDirectoryProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // The functions read `email` and `name` from the ID token to sign events and emails.
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: true, mutable: true },
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      // The accounts are data: deleting the stack must not delete who signed in as whom.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.client = this.userPool.addClient('ApiClient', {
      // A public client (browser, CLI): a secret could not be kept secret there.
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      // The console: the code flow only (PKCE, no client secret), back to the console's own pages.
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [props.console.callbackUrl],
        logoutUrls: [props.console.signOutUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
    });
    this.loginDomain = this.userPool.addDomain('Login', {
      cognitoDomain: { domainPrefix: props.console.domainPrefix },
    });
    this.userPool.addGroup('Managers', {
      groupName: MANAGERS_GROUP,
      description: 'Sees and changes every deal; edits pipelines, templates and settings',
    });
    this.userPool.addGroup('Reps', {
      groupName: REPS_GROUP,
      description: 'Works on their own and observed deals',
    });

    // On the CfnUserPool itself, so the acknowledgment does not spread to the client and groups.
    const cfnUserPool = this.userPool.node.defaultChild;
    if (!cfnUserPool) throw new Error('the user pool has no CfnUserPool');
    Validations.of(cfnUserPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP, per user) so an admin-created user can get a first token from the CLI; threat protection (Plus plan, enforced) blocks compromised credentials and scores every sign-in. Require MFA once reps sign in through a client that enrols TOTP.',
    });
  }

  /** The issuer the JWT authorizer trusts: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  get issuerUrl(): string {
    return this.userPool.userPoolProviderUrl;
  }
}
