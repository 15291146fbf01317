/**
 * The value formats the configuration checks share (stage config, pipeline config, the alarm
 * topic's props), defined once so a fix to one reaches every check.
 */

/** An e-mail address as SNS, SES and Cognito take it: something@domain.tld, no spaces. */
export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** An AWS region name, e.g. `eu-west-1` or `ap-southeast-2`. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** An AWS account id: twelve digits. */
export const ACCOUNT_ID = /^\d{12}$/;

/** Whether `value` is an absolute https:// URL (an endpoint alarms may travel to). */
export function isHttpsUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === 'https:';
}
