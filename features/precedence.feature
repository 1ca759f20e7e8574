@precedence @action:ResetDisk
Feature: Precedence when several conditions fail at once
  The reference does not say which error wins (its quirk 7). Each scenario breaks two conditions:
  either documented error conforms, and the first listed is the mock's pick (docs/choices.md says
  why), checked at the chosen level only.

  Background:
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished

  Scenario: The account's balance is checked before the disk is looked up
    Given the account does not have enough balance
    When I reset disk "d-never-existed" to snapshot "s-1" in JSON
    Then the answer is one of
      | status | Code                                  | Message                                    |
      | 403    | InvalidAccountStatus.NotEnoughBalance | Your account does not have enough balance. |
      | 404    | InvalidDiskId.NotFound                | The specified disk does not exist.         |
      | 404    | Disk.NotFound                         | The specified disk does not exist.         |
      | 403    | InvalidParameter.Mismatch             | The specified snapshot is not created from the specified disk. |

  Scenario: A released disk is reported before a snapshot that is not its own
    Given a disk "d-2" that is Available
    And a snapshot "s-2" of disk "d-2" that is accomplished
    And the disk "d-1" was released
    When I reset disk "d-1" to snapshot "s-2" in JSON
    Then the answer is one of
      | status | Code                      | Message                                                        |
      | 404    | Disk.NotFound             | The specified disk does not exist.                             |
      | 404    | InvalidDiskId.NotFound    | The specified disk does not exist.                             |
      | 403    | InvalidParameter.Mismatch | The specified snapshot is not created from the specified disk. |

  Scenario: A snapshot that is not the disk's is reported before the snapshot's state
    Given a disk "d-2" that is Available
    And a snapshot "s-2" of disk "d-2" that is progressing
    When I reset disk "d-1" to snapshot "s-2" in JSON
    Then the answer is one of
      | status | Code                       | Message                                                        |
      | 403    | InvalidParameter.Mismatch  | The specified snapshot is not created from the specified disk. |
      | 403    | InvalidSnapshotId.NotReady | The specified snapshot has not completed yet.                  |

  Scenario: The disk's state is checked before its instance's
    Given the disk "d-1" is locked for financial
    And the instance "i-1" is Running
    When I reset disk "d-1" to snapshot "s-1" in JSON
    Then the answer is one of
      | status | Code                    | Message                                                              |
      | 403    | IncorrectDiskStatus     | The current disk status does not support this operation.             |
      | 403    | IncorrectInstanceStatus | The current status of the resource does not support this operation. |

  Scenario: A security lock wins over the instance's status
    Given the instance "i-1" is Running
    And the instance "i-1" is locked for security
    When I reset disk "d-1" to snapshot "s-1" in JSON
    Then the answer is one of
      | status | Code                      | Message                                                              |
      | 403    | InstanceLockedForSecurity | The instance is locked due to security.                              |
      | 403    | IncorrectInstanceStatus   | The current status of the resource does not support this operation. |

  Scenario: An expired subscription wins over the instance's status
    Given the instance "i-1" is Running
    And the instance "i-1" is a subscription that expired at "2020-01-01T00:00:00Z"
    When I reset disk "d-1" to snapshot "s-1" in JSON
    Then the answer is one of
      | status | Code                       | Message                                                                                                             |
      | 403    | InstanceExpiredOrInArrears | The specified operation is denied as your prepay instance is expired (prepay mode) or in arrears (afterpay mode). |
      | 403    | IncorrectInstanceStatus    | The current status of the resource does not support this operation.                                                |

  Scenario: The instance's status is checked before the snapshot's
    Given the instance "i-1" is Running
    And a snapshot "s-2" of disk "d-1" that is progressing
    When I reset disk "d-1" to snapshot "s-2" in JSON
    Then the answer is one of
      | status | Code                       | Message                                                              |
      | 403    | IncorrectInstanceStatus    | The current status of the resource does not support this operation. |
      | 403    | InvalidSnapshotId.NotReady | The specified snapshot has not completed yet.                        |
