@errors @account @action:ResetDisk
Feature: ResetDisk errors: the account
  The rows about the account rather than the resources.

  Background:
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished

  Scenario Outline: InvalidAccountStatus.NotEnoughBalance (<format>)
    Given the account does not have enough balance
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                        |
      | Code    | InvalidAccountStatus.NotEnoughBalance      |
      | Message | Your account does not have enough balance. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InvalidAccountStatus.SnapshotServiceUnavailable (<format>)
    Given the account has not opened the snapshot service
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                             |
      | Code    | InvalidAccountStatus.SnapshotServiceUnavailable |
      | Message | Snapshot service has not been opened yet.       |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: UserNotInTheWhiteList (<format>)
    Given the account is not in the disk white list
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                 |
      | Code    | UserNotInTheWhiteList               |
      | Message | The user is not in disk white list. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |
