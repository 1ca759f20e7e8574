@dry-run @action:ResetDisk
Feature: ResetDisk dry runs
  Since 2022 the reference takes DryRun: true checks the request — its parameters, its format and
  the state of the resources — changes nothing, and answers 400 DryRunOperation when every check
  passes, or the first failing check's error; false (the default) checks and resets. Before 2022
  DryRun is not a parameter of ResetDisk, and an unknown parameter is ignored.

  Background:
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished

  @editions:2022-04-13..
  Scenario Outline: A dry run that passes every check answers DryRunOperation and changes nothing (<format>)
    When I reset disk "d-1" to snapshot "s-1" in <format> with DryRun "true"
    Then the answer is
      | status  | 400                                                      |
      | Code    | DryRunOperation                                          |
      | Message | Request validation has been passed with DryRun flag set. |
    And the answer matches its recorded answer
    And disk "d-1" was not rolled back

    Examples:
      | format |
      | XML    |
      | JSON   |

  # The SDKs send the boolean as they print it; the case is the mock's to accept (docs/choices.md).
  @editions:2022-04-13..
  Scenario Outline: DryRun is read in any letter case: <value> (<format>)
    When I reset disk "d-1" to snapshot "s-1" in <format> with DryRun "<value>"
    Then the answer is
      | status  | 400                                                      |
      | Code    | DryRunOperation                                          |
      | Message | Request validation has been passed with DryRun flag set. |
    And disk "d-1" was not rolled back

    Examples:
      | value | format |
      | TRUE  | XML    |
      | True  | JSON   |

  # Before 2022 DryRun is ignored and the call fails the same check: true of every edition.
  Scenario Outline: A dry run still runs the checks of the resources' state: IncorrectInstanceStatus (<format>)
    Given the instance "i-1" is Running
    When I reset disk "d-1" to snapshot "s-1" in <format> with DryRun "true"
    Then the answer is
      | status  | 403                                                                  |
      | Code    | IncorrectInstanceStatus                                              |
      | Message | The current status of the resource does not support this operation. |
    And the answer matches its recorded answer
    And disk "d-1" was not rolled back

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Neither true nor false: the mock answers the gateway's InvalidParameter (docs/choices.md).
  @chosen @editions:2022-04-13..
  Scenario Outline: A DryRun that is not a boolean is refused (<format>)
    When I reset disk "d-1" to snapshot "s-1" in <format> with DryRun "maybe"
    Then the answer is
      | status  | 400                                                                     |
      | Code    | InvalidParameter                                                        |
      | Message | The specified parameter "DryRun" is not valid: it must be true or false. |
    And the answer matches its recorded answer
    And disk "d-1" was not rolled back

    Examples:
      | format |
      | XML    |
      | JSON   |

  # DryRun=false resets in every edition: since 2022 as documented, before as an unknown parameter.
  Scenario Outline: DryRun false checks and resets (<format>)
    When I reset disk "d-1" to snapshot "s-1" in <format> with DryRun "false"
    Then the reset succeeds
    And the answer matches its recorded answer
    And disk "d-1" was rolled back to snapshot "s-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2019-07-12..2022-04-13
  Scenario Outline: Before 2022 DryRun is an unknown parameter, ignored: the reset happens (<format>)
    When I reset disk "d-1" to snapshot "s-1" in <format> with DryRun "true"
    Then the reset succeeds
    And the answer matches its recorded answer
    And disk "d-1" was rolled back to snapshot "s-1"

    Examples:
      | format |
      | XML    |
      | JSON   |
