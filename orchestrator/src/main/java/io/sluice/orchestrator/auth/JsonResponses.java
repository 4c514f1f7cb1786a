package io.sluice.orchestrator.auth;

import static akka.http.javadsl.server.Directives.complete;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.server.Route;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/** JSON answers with Akka's configured mapper, and the error body every route of this package uses. */
final class JsonResponses {
  /**
   * An error: its status again, what went wrong, and which request field was wrong when one was.
   *
   * @param field the offending field of the request (body property or path segment), or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ApiError(int status, String error, String field) {}

  private final ObjectMapper mapper;

  JsonResponses(ActorSystem<?> system) {
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  }

  ObjectMapper mapper() {
    return mapper;
  }

  <T> Route json(StatusCode status, T body) {
    return complete(status, body, Jackson.marshaller(mapper));
  }

  Route error(StatusCode status, String error) {
    return json(status, new ApiError(status.intValue(), error, null));
  }

  Route fieldError(StatusCode status, String field, String error) {
    return json(status, new ApiError(status.intValue(), error, field));
  }
}
