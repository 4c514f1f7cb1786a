package io.sluice.orchestrator.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One problem with a campaign request or a lead import, for the HTTP answer.
 *
 * @param field the JSON path of the bad value ({@code leads[3].phone}) or, in a CSV import, the column
 * @param row the CSV record number as a spreadsheet shows it (the header is row 1), or null outside a CSV import
 * @param message what is wrong, for a person
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldError(String field, Integer row, String message) {

  static FieldError of(String field, String message) {
    return new FieldError(field, null, message);
  }
}
