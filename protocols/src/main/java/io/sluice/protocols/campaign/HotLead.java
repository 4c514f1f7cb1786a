package io.sluice.protocols.campaign;

/**
 * A lead whose final call scored at or above the campaign's hot threshold: a row of the summary email's CSV
 * attachment and of the hot-leads download.
 *
 * @param leadId the lead's number within its campaign (1-based, in import order)
 * @param phone E.164
 * @param score 0–100, after the classifier's refinement when one ran
 * @param classification the classifier's label, or null when none ran
 * @param summary the provider's transcript summary, possibly empty
 */
public record HotLead(long leadId, String name, String phone, int score, String classification, String summary) {}
