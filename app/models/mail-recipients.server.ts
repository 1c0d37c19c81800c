import { users } from "~/db/schema";

/**
 * What mail needs to know about a person: who they are, where mail goes, and whether it may
 * (verified, not disabled). Selected by notifications and by the account mails alike.
 */
export const mailRecipientColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  email: users.email,
  emailVerifiedAt: users.emailVerifiedAt,
  disabledAt: users.disabledAt,
};
