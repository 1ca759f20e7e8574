@wire-forms
Feature: Wire forms
  The four forms the official SDKs send are each accepted: V1 GET with the query (pop-core), V1
  POST with the query (the legacy Python SDK), V1 POST with a form body (pop-core with POST), and
  V3 ACS3-HMAC-SHA256 (the new SDKs).

  Background:
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished

  Scenario Outline: ResetDisk as <form> succeeds (<format>)
    When I reset disk "d-1" to snapshot "s-1" as <form> in <format>
    Then the reset succeeds
    And the answer matches its recorded answer
    And disk "d-1" was rolled back to snapshot "s-1"

    Examples:
      | form         | format |
      | V1 GET       | XML    |
      | V1 GET       | JSON   |
      | V1 POST query | XML   |
      | V1 POST query | JSON  |
      | V1 POST form | XML    |
      | V1 POST form | JSON   |
      | V3           | XML    |
      | V3           | JSON   |
