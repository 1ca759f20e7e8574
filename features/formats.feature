@formats
Feature: Response formats
  XML is the default; Format selects JSON or XML; V3 requests get JSON. Both formats of one
  answer carry the same fields and values.

  Scenario: An error carries the same fields and values in XML and in JSON
    When I reset disk "d-never-existed" to snapshot "s-never-existed" in XML and in JSON
    Then both answers carry the same fields and values

  Scenario: A success carries the same fields in XML and in JSON
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished
    When I reset disk "d-1" to snapshot "s-1" in XML and in JSON
    Then both answers carry the same fields and values
      | RequestId |

  Scenario: Without a Format parameter a V1 request gets XML
    When I reset disk "d-never-existed" to snapshot "s-never-existed" as V1 GET without a Format parameter
    Then the answer is one of
      | status | Code                       | Message                                  |
      | 404    | InvalidDiskId.NotFound     | The specified disk does not exist.       |
      | 404    | Disk.NotFound              | The specified disk does not exist.       |
      | 404    | InvalidSnapshotId.NotFound | The specified SnapshotId does not exist. |
    And the answer matches its recorded answer

  Scenario: Without a Format parameter a V3 request gets JSON
    When I reset disk "d-never-existed" to snapshot "s-never-existed" as V3 without a Format parameter
    Then the answer is one of
      | status | Code                       | Message                                  |
      | 404    | InvalidDiskId.NotFound     | The specified disk does not exist.       |
      | 404    | Disk.NotFound              | The specified disk does not exist.       |
      | 404    | InvalidSnapshotId.NotFound | The specified SnapshotId does not exist. |
    And the answer matches its recorded answer
