import { choice, form, wholeNumber } from "./fields";

/** A decision on the "Suggested issues" queue. */
export const SuggestionDecisionSchema = form({
  id: wholeNumber("Choose a suggestion from the list."),
  decision: choice(["link", "dismiss"], "Decision must be link or dismiss."),
});
