@errors @internal @action:ResetDisk
Feature: ResetDisk errors: internal errors
  Both InternalError rows of the table, each with its own message. No healthy world produces
  them: the control API schedules them as faults.

  Background:
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished

  Scenario Outline: InternalError, "some unknown error" (<format>)
    Given the next ResetDisk fails with InternalError "The request processing has failed due to some unknown error."
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 500                                                           |
      | Code    | InternalError                                                 |
      | Message | The request processing has failed due to some unknown error. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InternalError, "unknown error, exception or failure" (<format>)
    Given the next ResetDisk fails with InternalError "The request processing has failed due to some unknown error, exception or failure."
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 500                                                                                  |
      | Code    | InternalError                                                                        |
      | Message | The request processing has failed due to some unknown error, exception or failure. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Since 2025-03-21 a third InternalError, with status 400; as the others, only a fault gives it.
  @editions:2025-03-21..
  Scenario Outline: InternalError with status 400, "services is not available now" (<format>)
    Given the next ResetDisk fails with InternalError "The requested services is not available now. Please try again later."
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 400                                                                   |
      | Code    | InternalError                                                         |
      | Message | The requested services is not available now. Please try again later. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |
