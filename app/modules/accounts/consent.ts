/**
 * The wording of the sign-up consents, shared by the form and the server: the health-data consent's
 * version is a hash of this text (with the privacy notice's), so changing a word makes a new version.
 */
export const TERMS_CONSENT_LABEL = "I have read and agree to the terms of use, the privacy notice and the community guidelines.";

export const HEALTH_DATA_CONSENT_LABEL =
  "I agree that Hearth may process health-related data about me. Being a member of a condition group, and what I write there, says something about my health.";

export const HEALTH_DATA_CONSENT_HINT =
  "This is a separate, explicit consent (GDPR Article 9(2)(a)). Without it we can't let you join condition groups, so it is needed for an account. You can withdraw it by deleting your account.";
